// Run with: NODE_OPTIONS=--experimental-vm-modules npx jest (Jest's way to run ES modules)
export default {
  testEnvironment: "node",
  testMatch: ["**/*.test.mjs"],
  transform: {},
  // One paper-tiger for the whole run, started before any worker.
  globalSetup: "./global-setup.mjs",
  globalTeardown: "./global-teardown.mjs",
};
