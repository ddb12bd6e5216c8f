// Plain JavaScript on Node.js 20: `await using` is not there yet, so close the server in `finally`.
import { startPaperTiger } from "paper-tiger";

const pt = await startPaperTiger({ port: 0 });
try {
  const stripe = pt.stripe({ namespace: "quickstart" }); // an official `stripe` client for this server
  const customer = await stripe.customers.create({ email: "ada@example.com" });
  console.log(customer.id.startsWith("cus_")); // true
  console.log((await stripe.customers.list()).data.length); // 1
} finally {
  await pt.close();
}
