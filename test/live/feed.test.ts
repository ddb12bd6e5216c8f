/**
 * The live feed: nothing is built while no one listens, every subscriber
 * hears each item, and a failing subscriber fails nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveFeed, type LiveItem } from "../../src/live/feed.js";

const item: LiveItem = { kind: "request", namespace: "a", at: 1, label: "POST /v1/customers 200", ref: "req_1" };

test("with no subscriber the feed is inactive and builds nothing", { timeout: 10_000 }, () => {
  const feed = new LiveFeed();
  let built = 0;
  assert.equal(feed.active, false);
  feed.publish(() => (built++, item));
  assert.equal(built, 0);
});

test("each subscriber hears each item once, until it unsubscribes", { timeout: 10_000 }, () => {
  const feed = new LiveFeed();
  const heard: string[] = [];
  let built = 0;
  const stopA = feed.subscribe((i) => heard.push(`a ${i.label}`));
  feed.subscribe((i) => heard.push(`b ${i.label}`));
  assert.equal(feed.active, true);
  feed.publish(() => (built++, item));
  assert.equal(built, 1, "built once for every subscriber");
  stopA();
  assert.equal(feed.size, 1);
  feed.publish(() => item);
  assert.deepEqual(heard, ["a POST /v1/customers 200", "b POST /v1/customers 200", "b POST /v1/customers 200"]);
});

test("a subscriber that throws does not keep the others from hearing, nor fails the publisher", { timeout: 10_000 }, () => {
  const feed = new LiveFeed();
  const heard: LiveItem[] = [];
  feed.subscribe(() => {
    throw new Error("connection closed");
  });
  feed.subscribe((i) => heard.push(i));
  feed.publish(() => item);
  assert.deepEqual(heard, [item]);
});
