/**
 * The MLflow side of an execution: an experiment named after the pipeline, a parent run
 * per execution, and a child run (tag `mlflow.parentRunId`) per attempt of a `run:` step,
 * made in-process through the tracking service.
 * @module
 */

import type { RunStatus } from '../../core/entities/run.js';
import { isSlipwayError } from '../../core/errors/slipway-error.js';
import type { TrackingService } from '../../core/tracking/tracking-service.js';

export const PARENT_RUN_TAG = 'mlflow.parentRunId';

export class ExecutionRuns {
  constructor(
    private readonly tracking: TrackingService,
    private readonly now: () => number,
  ) {}

  /** The experiment named after the pipeline, created on first use. */
  async experimentFor(pipelineName: string): Promise<string> {
    try {
      return (await this.tracking.getExperimentByName(pipelineName)).experimentId;
    } catch (e) {
      if (!isSlipwayError(e) || e.code !== 'RESOURCE_DOES_NOT_EXIST') throw e;
    }
    try {
      return await this.tracking.createExperiment(pipelineName, undefined, [{ key: 'slipway.pipeline', value: pipelineName }]);
    } catch (e) {
      // Created by a concurrent execution meanwhile.
      if (isSlipwayError(e) && e.code === 'RESOURCE_ALREADY_EXISTS') return (await this.tracking.getExperimentByName(pipelineName)).experimentId;
      throw e;
    }
  }

  async createParentRun(
    experimentId: string,
    execution: { executionId: string; pipelineName: string; pipelineVersion: number; actor: string; params: Readonly<Record<string, unknown>> },
  ): Promise<string> {
    const run = await this.tracking.createRun({
      experimentId,
      userId: execution.actor,
      runName: `${execution.pipelineName}-${execution.executionId.slice(-8)}`,
      startTime: this.now(),
      tags: [
        { key: 'slipway.execution_id', value: execution.executionId },
        { key: 'slipway.pipeline', value: execution.pipelineName },
        { key: 'slipway.pipeline_version', value: String(execution.pipelineVersion) },
      ],
    });
    const params = Object.entries(execution.params).map(([key, value]) => ({ key, value: String(value).slice(0, 6000) }));
    if (params.length > 0) await this.tracking.logBatch(run.info.runId, [], params, []);
    return run.info.runId;
  }

  async createStepRun(
    experimentId: string,
    parentRunId: string | undefined,
    labels: { executionId: string; stepId: string; instance?: string | undefined; attempt: number; actor: string },
  ): Promise<{ runId: string; artifactUri: string }> {
    const name = `${labels.stepId}${labels.instance === undefined ? '' : `[${labels.instance}]`}${labels.attempt > 1 ? ` (attempt ${labels.attempt})` : ''}`;
    const run = await this.tracking.createRun({
      experimentId,
      userId: labels.actor,
      runName: name.slice(0, 250),
      startTime: this.now(),
      tags: [
        ...(parentRunId === undefined ? [] : [{ key: PARENT_RUN_TAG, value: parentRunId }]),
        { key: 'slipway.execution_id', value: labels.executionId },
        { key: 'slipway.step_id', value: labels.stepId },
        { key: 'slipway.attempt', value: String(labels.attempt) },
        ...(labels.instance === undefined ? [] : [{ key: 'slipway.matrix_instance', value: labels.instance.slice(0, 5000) }]),
      ],
    });
    return { runId: run.info.runId, artifactUri: run.info.artifactUri };
  }

  async endRun(runId: string | undefined, status: RunStatus): Promise<void> {
    if (runId === undefined) return;
    await this.tracking.updateRun({ runId, status, endTime: this.now() });
  }

  async logMetrics(runId: string, metrics: Readonly<Record<string, number>>): Promise<void> {
    const timestamp = this.now();
    const list = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step: 0 }));
    if (list.length > 0) await this.tracking.logBatch(runId, list, [], []);
  }
}
