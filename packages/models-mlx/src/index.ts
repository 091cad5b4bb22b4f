/** @smol/models-mlx: local models on Apple silicon through mlx_lm.server. */
export { MLXModel, type MLXModelOptions } from "./mlx-model.js";
