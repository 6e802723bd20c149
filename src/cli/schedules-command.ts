import { Command, InvalidArgumentError } from 'commander';
import { collect, type Schedule } from '../sdk/index.js';
import { clientCommandHelp, collectValues, positiveInt, runClientCommand, withClientOptions, withJsonOption } from './client-support.js';
import { renderFires, renderScheduleDetail, renderScheduleList } from './schedules-view.js';

const EXAMPLES = `
Examples:
  $ slipway schedules create train --cron '0 8 * * MON-FRI' --timezone Europe/Berlin -p epochs=20
  $ slipway schedules create train --cron '0 12 * * FRI' --overlap queue --catch-up 6h
  $ slipway schedules list --pipeline train
  $ slipway schedules pause a-1f2e3d4c5b6a7980
  $ slipway schedules resume a-1f2e3d4c5b6a7980
  $ slipway schedules history a-1f2e3d4c5b6a7980
  $ slipway schedules delete a-1f2e3d4c5b6a7980

Schedules written in a pipeline's 'on: schedule:' are listed too (source 'pipeline');
they change with the pipeline, and can be paused and resumed here. See docs/schedules.md.`;

function overlapArgument(value: string): 'skip' | 'queue' | 'allow' {
  if (value === 'skip' || value === 'queue' || value === 'allow') return value;
  throw new InvalidArgumentError('It must be skip, queue or allow.');
}

function paramsOf(assignments: readonly string[] | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const assignment of assignments ?? []) {
    const at = assignment.indexOf('=');
    if (at <= 0) throw new InvalidArgumentError(`'${assignment}' is not a parameter assignment (expected name=value)`);
    params[assignment.slice(0, at).trim()] = assignment.slice(at + 1);
  }
  return params;
}

/** `slipway schedules`: pipeline schedules of a running server, through the SDK. */
export function schedulesCommand(): Command {
  const schedules = withClientOptions(
    new Command('schedules').description('Manage pipeline schedules of a running Slipway server: create, list (with next fire times), pause, resume, delete, and read their fire history.').configureHelp(clientCommandHelp('schedules')),
  ).addHelpText('after', EXAMPLES);

  withJsonOption(
    schedules
      .command('list')
      .description("List schedules with their next fire time in each schedule's time zone.")
      .summary('list schedules')
      .option('--pipeline <name>', "only this pipeline's schedules")
      .option('--next <n>', 'next fire times to fetch per schedule (default 3; --json shows them all)', positiveInt),
  ).action(async (options: { pipeline?: string; next?: number }, command: Command) => {
    await runClientCommand(command, (client) => collect(client.schedules.iterate({ pipeline: options.pipeline, next: options.next, pageSize: 1000 })), {
      text: renderScheduleList,
      json: (list: Schedule[]) => ({ schedules: list }),
    });
  });

  withJsonOption(
    schedules.command('show').description('Show a schedule with its next fire times.').summary('show a schedule').argument('<id>', 'schedule id').option('--next <n>', 'how many next fire times (default 3, at most 20)', positiveInt),
  ).action(async (id: string, options: { next?: number }, command: Command) => {
    await runClientCommand(command, (client) => client.schedules.get(id, { next: options.next }), { text: renderScheduleDetail, json: (schedule) => ({ schedule }) });
  });

  withJsonOption(
    schedules
      .command('create')
      .description('Create a schedule that starts executions of <pipeline> at the cron times, in a time zone, with fixed params.')
      .summary('create a schedule')
      .argument('<pipeline>', 'pipeline name')
      .requiredOption('--cron <expr>', "cron expression: five fields, or six with seconds first ('0 8 * * MON-FRI')")
      .option('--timezone <zone>', 'IANA time zone the cron expression is read in (default UTC)')
      .option('-p, --param <key=value>', 'a param for every execution (repeatable); checked against its type', collectValues)
      .option('--overlap <policy>', 'when the previous execution is still active: skip (default), queue or allow', overlapArgument)
      .option('--catch-up <duration>', "after downtime, fire missed times this recent (e.g. 6h; 0 for none; default 1h)"),
  ).action(async (pipeline: string, options: { cron: string; timezone?: string; param?: string[]; overlap?: 'skip' | 'queue' | 'allow'; catchUp?: string }, command: Command) => {
    await runClientCommand(
      command,
      (client) =>
        client.schedules.create({
          pipeline,
          cron: options.cron,
          timezone: options.timezone,
          params: paramsOf(options.param),
          overlap: options.overlap,
          catchUp: options.catchUp,
        }),
      { text: (s) => `Created schedule ${s.schedule_id}.\n${renderScheduleDetail(s)}`, json: (schedule) => ({ schedule }) },
    );
  });

  withJsonOption(schedules.command('pause').description('Pause a schedule: due times while paused are not fired, not even after resuming.').summary('pause a schedule').argument('<id>', 'schedule id')).action(
    async (id: string, _options: object, command: Command) => {
      await runClientCommand(command, (client) => client.schedules.pause(id), { text: (s) => `Paused schedule ${s.schedule_id}.\n`, json: (schedule) => ({ schedule }) });
    },
  );

  withJsonOption(schedules.command('resume').description('Resume a paused schedule: it fires from now on.').summary('resume a schedule').argument('<id>', 'schedule id')).action(
    async (id: string, _options: object, command: Command) => {
      await runClientCommand(command, (client) => client.schedules.resume(id), { text: (s) => `Resumed schedule ${s.schedule_id}.\n${renderScheduleDetail(s)}`, json: (schedule) => ({ schedule }) });
    },
  );

  withJsonOption(
    schedules.command('delete').description("Delete an API-created schedule and its fire history (a pipeline's on.schedule entries change with the pipeline).").summary('delete a schedule').argument('<id>', 'schedule id'),
  ).action(async (id: string, _options: object, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        const schedule = await client.schedules.get(id, { next: 0 });
        await client.schedules.delete(id);
        return schedule;
      },
      { text: (s) => `Deleted schedule ${s.schedule_id} (${s.pipeline}, ${s.cron}) and its fire history.\n`, json: (schedule) => ({ schedule }) },
    );
  });

  withJsonOption(
    schedules
      .command('history')
      .description('The fire history of a schedule, newest first: fired (with the execution), skipped, queued, missed or failed, and why.')
      .summary("show a schedule's fires")
      .argument('<id>', 'schedule id')
      .option('--limit <n>', 'at most n fires (default 50)', positiveInt),
  ).action(async (id: string, options: { limit?: number }, command: Command) => {
    await runClientCommand(
      command,
      async (client) => {
        const schedule = await client.schedules.get(id, { next: 0 });
        const fires = await collect(client.schedules.iterateFires(id, { pageSize: Math.min(options.limit ?? 50, 1000) }), options.limit ?? 50);
        return { schedule, fires };
      },
      { text: (r) => renderFires(r.fires, r.schedule.timezone), json: (r) => ({ fires: r.fires }) },
    );
  });

  return schedules;
}
