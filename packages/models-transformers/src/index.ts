/** @smol/models-transformers: models run locally in Node with Transformers.js. */
export type { TextGenerationPipelineLike } from "./load-pipeline.js";
export type { TransformersLoadProgress } from "./progress-bar.js";
export { TransformersModel, type TransformersModelOptions } from "./transformers-model.js";
