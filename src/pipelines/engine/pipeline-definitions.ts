/** Pipeline definitions by name and version, read from the store once (versions never change). */

import type { PipelineDefinition } from '../../core/pipelines/pipeline-model.js';
import type { PipelineStore } from '../../core/ports/pipeline-store.js';

export class PipelineDefinitions {
  readonly #store: PipelineStore;
  readonly #definitions = new Map<string, PipelineDefinition>();

  constructor(store: PipelineStore) {
    this.#store = store;
  }

  /** The definition an execution (or anything naming a pipeline version) runs. */
  async of(record: { pipelineName: string; pipelineVersion: number }): Promise<PipelineDefinition> {
    const key = `${record.pipelineName}@${record.pipelineVersion}`;
    let definition = this.#definitions.get(key);
    if (definition === undefined) {
      definition = (await this.#store.getPipelineVersion(record.pipelineName, record.pipelineVersion)).definition;
      this.#definitions.set(key, definition);
    }
    return definition;
  }
}
