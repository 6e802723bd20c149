import { ApiError } from './api-error.js';
import type { ApprovalStatus, Lineage, ModelVersion, RegisteredModel, RegistryChange } from './slipway-types.js';

/**
 * The registry as the UI uses it: MLflow's registry API (`/api/2.0/mlflow/registered-models`,
 * `model-versions`) for models, versions, aliases and stages, and Slipway's
 * (`/api/slipway/v1`) for approvals, the audit trail and lineage. Writes carry
 * `X-Slipway-Actor` when an actor is given, so the audit trail names who acted.
 */
export class RegistryClient {
  constructor(
    private readonly baseUrl: string = '',
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async searchModels(): Promise<RegisteredModel[]> {
    const out: RegisteredModel[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ max_results: '1000', order_by: 'name ASC' });
      if (pageToken !== undefined) query.set('page_token', pageToken);
      const json = await this.mlflow<{ registered_models?: RegisteredModel[]; next_page_token?: string }>('GET', `/registered-models/search?${query.toString()}`);
      out.push(...(json.registered_models ?? []));
      pageToken = json.next_page_token;
    } while (pageToken !== undefined && out.length < 10_000);
    return out;
  }

  async getModel(name: string): Promise<RegisteredModel> {
    return (await this.slipway<{ registered_model: RegisteredModel }>('GET', `/registered-models/${encodeURIComponent(name)}`)).registered_model;
  }

  /** The model's versions, newest first (at most `max`). */
  async searchVersions(name: string, max = 200): Promise<ModelVersion[]> {
    const query = new URLSearchParams({
      filter: `name = '${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`,
      max_results: String(max),
      order_by: 'version_number DESC',
    });
    const json = await this.mlflow<{ model_versions?: ModelVersion[] }>('GET', `/model-versions/search?${query.toString()}`);
    return json.model_versions ?? [];
  }

  /** A version with its approval. */
  async getVersion(name: string, version: string): Promise<ModelVersion> {
    return (await this.slipway<{ model_version: ModelVersion }>('GET', versionPath(name, version))).model_version;
  }

  async setApproval(name: string, version: string, status: ApprovalStatus, comment: string, actor: string): Promise<ModelVersion> {
    const body: Record<string, unknown> = { status };
    if (comment.trim() !== '') body.comment = comment.trim();
    return (await this.slipway<{ model_version: ModelVersion }>('POST', `${versionPath(name, version)}/approval`, body, actor)).model_version;
  }

  async setAlias(name: string, alias: string, version: string, actor: string): Promise<void> {
    await this.mlflow('POST', '/registered-models/alias', { name, alias, version }, actor);
  }

  async deleteAlias(name: string, alias: string, actor: string): Promise<void> {
    await this.mlflow('DELETE', '/registered-models/alias', { name, alias }, actor);
  }

  async transitionStage(name: string, version: string, stage: string, archiveExisting: boolean, actor: string): Promise<void> {
    await this.mlflow('POST', '/model-versions/transition-stage', { name, version, stage, archive_existing_versions: archiveExisting }, actor);
  }

  /** The audit trail of a model (or one version), oldest first. */
  async audit(name: string, version?: string): Promise<RegistryChange[]> {
    const query = new URLSearchParams({ name, max_results: '1000' });
    if (version !== undefined) query.set('version', version);
    return (await this.slipway<{ entries?: RegistryChange[] }>('GET', `/registry/audit?${query.toString()}`)).entries ?? [];
  }

  async lineage(name: string, version: string): Promise<Lineage> {
    return (await this.slipway<{ lineage: Lineage }>('GET', `${versionPath(name, version)}/lineage`)).lineage;
  }

  private mlflow<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: Record<string, unknown>, actor?: string): Promise<T> {
    return this.send<T>(method, `${this.baseUrl}/api/2.0/mlflow${path}`, body, actor);
  }

  private slipway<T>(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>, actor?: string): Promise<T> {
    return this.send<T>(method, `${this.baseUrl}/api/slipway/v1${path}`, body, actor);
  }

  private async send<T>(method: string, url: string, body: Record<string, unknown> | undefined, actor: string | undefined): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (actor !== undefined && actor.trim() !== '') headers['x-slipway-actor'] = actor.trim();
    const res = await this.fetchFn(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw ApiError.fromBody(res.status, res.statusText, text);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }
}

function versionPath(name: string, version: string): string {
  return `/registered-models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
}
