/**
 * @module resources
 * Every resource module a server serves, in registration order.
 */
import { customersModule } from "./customers.js";
import { eventsModule } from "./events.js";
import { pricesModule } from "./prices.js";
import { productsModule } from "./products.js";
import type { ResourceModule } from "./registry.js";

export const RESOURCE_MODULES: readonly ResourceModule[] = [customersModule, productsModule, pricesModule, eventsModule];
