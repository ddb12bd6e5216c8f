/**
 * @module require
 * What `require("paper-tiger")` loads. paper-tiger is an ES module; Node.js
 * 20.19 and later (and 22.12 and later) can `require()` it, which gives the
 * same module `import` gives. Older versions cannot: they get an error that
 * says what to do instead of Node's generic one.
 */
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module.exports = require("./index.js");
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ESM") throw err;
  throw new Error(
    'paper-tiger is an ES module: require("paper-tiger") needs Node.js 20.19 or newer (22.12 or newer on Node.js 22). ' +
      `This is Node.js ${process.versions.node}: upgrade, or load it with \`const { startPaperTiger } = await import("paper-tiger")\`.`,
    { cause: err },
  );
}
