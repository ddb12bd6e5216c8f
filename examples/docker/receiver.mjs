// A webhook receiver: verifies each event's Stripe-Signature as stripe-node does, and logs it.
import { createServer } from "node:http";
import { verifySignature } from "paper-tiger";

const secret = process.env.STRIPE_WEBHOOK_SECRET;
const server = createServer((req, res) => {
  if (req.url === "/health") return res.end("ok");
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    try {
      verifySignature(body, req.headers["stripe-signature"], secret);
    } catch (err) {
      console.log(`rejected: ${err.message}`);
      res.statusCode = 400;
      return res.end();
    }
    const event = JSON.parse(body);
    console.log(`received ${event.type} ${event.id} (signature verified)`);
    res.end();
  });
});
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "0.0.0.0", () => console.log(`receiver listening on port ${server.address().port}`));
process.once("SIGTERM", () => server.close());
