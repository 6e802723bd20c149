import picomatch from 'picomatch';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { JsonValue } from '../core/pipelines/pipeline-model.js';

/** What Slipway reads from a GitHub `push` payload. */
export interface GitHubPush {
  /** `refs/heads/main`. */
  readonly ref: string;
  /** The branch, when `ref` is a branch (`refs/heads/…`); undefined for tags. */
  readonly branch: string | undefined;
  readonly headCommit: string | undefined;
  /** Added, modified and removed paths of every commit, deduplicated, sorted. */
  readonly changedPaths: readonly string[];
  readonly deleted: boolean;
}

/** Reads a `push` payload; a payload without a string `ref` or with malformed commits → 400. */
export function readGitHubPush(payload: unknown): GitHubPush {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw SlipwayError.badRequest('A GitHub push payload must be a JSON object');
  }
  const p = payload as Record<string, unknown>;
  if (typeof p.ref !== 'string' || p.ref === '') throw SlipwayError.badRequest("A GitHub push payload needs 'ref' (a string such as refs/heads/main)");
  const commits = p.commits ?? [];
  if (!Array.isArray(commits)) throw SlipwayError.badRequest("'commits' in a GitHub push payload must be a list");
  const paths = new Set<string>();
  commits.forEach((commit: unknown, i) => {
    if (commit === null || typeof commit !== 'object') throw SlipwayError.badRequest(`'commits[${i}]' in a GitHub push payload must be an object`);
    for (const key of ['added', 'modified', 'removed'] as const) {
      const list = (commit as Record<string, unknown>)[key] ?? [];
      if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
        throw SlipwayError.badRequest(`'commits[${i}].${key}' in a GitHub push payload must be a list of paths`);
      }
      for (const path of list as string[]) paths.add(path);
    }
  });
  const head = p.head_commit as Record<string, unknown> | null | undefined;
  const headCommit = typeof head?.id === 'string' ? head.id : typeof p.after === 'string' ? p.after : undefined;
  return {
    ref: p.ref,
    branch: p.ref.startsWith('refs/heads/') ? p.ref.slice('refs/heads/'.length) : undefined,
    headCommit,
    changedPaths: [...paths].sort(),
    deleted: p.deleted === true,
  };
}

/** Why a push does not start the pipeline, or undefined when it does. */
export function pushMismatch(push: GitHubPush, filter: { readonly branches: readonly string[]; readonly paths: readonly string[] }): string | undefined {
  if (push.deleted) return `${push.ref} was deleted`;
  if (filter.branches.length > 0) {
    if (push.branch === undefined) return `${push.ref} is not a branch`;
    if (!picomatch(filter.branches as string[])(push.branch)) return `branch '${push.branch}' matches none of ${filter.branches.join(', ')}`;
  }
  if (filter.paths.length > 0) {
    const matches = picomatch(filter.paths as string[], { dot: true });
    if (!push.changedPaths.some((path) => matches(path))) {
      return `no changed path matches ${filter.paths.join(', ')} (${push.changedPaths.length} changed)`;
    }
  }
  return undefined;
}

/** The summary recorded with the event. */
export function pushSummary(push: GitHubPush, deliveryId: string | undefined): Record<string, JsonValue> {
  return {
    github_event: 'push',
    ...(deliveryId === undefined ? {} : { delivery_id: deliveryId }),
    ref: push.ref,
    ...(push.headCommit === undefined ? {} : { head_commit: push.headCommit }),
    changed_paths: push.changedPaths.slice(0, 100),
    ...(push.changedPaths.length > 100 ? { changed_paths_total: push.changedPaths.length } : {}),
  };
}
