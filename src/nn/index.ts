// Neural networks: for now the functional layer (torch.nn.functional); modules arrive with the nn issue.
export * as functional from "./functional.js";
export * as F from "./functional.js";
