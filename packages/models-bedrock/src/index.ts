/** @smol/models-bedrock: smol models on Amazon Bedrock's Converse API. */
export { AmazonBedrockModel, type AmazonBedrockModelOptions } from "./amazon-bedrock-model.js";
