export { findFreePort as freePort } from "../../src/net/find-free-port.js";
