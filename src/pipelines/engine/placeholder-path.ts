import type { ArtifactPathOf } from './step-context.js';

/**
 * Artifact paths for expressions evaluated before anything is downloaded (conditions,
 * matrix axes, cache keys): stable placeholders, not real paths.
 */
export const placeholderPath: ArtifactPathOf = (stepId, name, index) => `<artifact:${stepId}${index === undefined ? '' : `#${index}`}/${name}>`;
