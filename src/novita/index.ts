export type { NovitaFile } from "./file-schema.js";
export type { FileListing, InvalidItem, ListingSummary } from "./list-files.js";
export type { ListedItems, ListingSink } from "./listing-sink.js";
export {
  makeNovitaClient,
  type NovitaClient,
  type NovitaClientOptions,
  novitaClientDefaults,
} from "./make-novita-client.js";
export { NovitaError, type NovitaErrorCode } from "./novita-error.js";
