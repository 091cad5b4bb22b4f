/** What smol's example apps share. */
export {
  type ChooseModelOptions,
  type ChosenModel,
  chooseModel,
  modelFor,
  ProviderChoiceError,
  type ProviderName,
  providerFromEnvironment,
} from "./choose-model.js";
