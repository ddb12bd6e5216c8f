import { MemoryStore } from "../../src/store/memory-store.js";
import { storeContract, syncAnswersContract } from "./contract.js";

storeContract("MemoryStore", () => new MemoryStore());
syncAnswersContract("MemoryStore", () => new MemoryStore());
