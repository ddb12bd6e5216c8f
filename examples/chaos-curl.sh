# PT is the server's base URL (e.g. http://127.0.0.1:12111); HOOK your app's webhook URL.
KEY=sk_test_123
NS="X-Paper-Tiger-Namespace: checkout"
JSON="Content-Type: application/json"

# API chaos: every customer creation in namespace "checkout" answers 429.
# The control plane takes Stripe's form encoding (bracket notation) as well as JSON.
curl -s "$PT/_chaos/config" -u "$KEY:" -H "$NS" \
  --data-urlencode "api[endpoint_overrides][POST /v1/customers]=rate_limit" > /dev/null
curl -s -o /dev/null -w "%{http_code}\n" "$PT/v1/customers" -u "$KEY:" -H "$NS" -d email=a@example.com   # 429

# Payment chaos: this customer's next payment is declined, exactly as Stripe declines it.
curl -s -X DELETE "$PT/_chaos/config" -u "$KEY:" -H "$NS" > /dev/null
CUS=$(curl -s "$PT/v1/customers" -u "$KEY:" -H "$NS" -d email=b@example.com | grep -o '"id": "cus_[A-Za-z0-9]*"' | cut -d'"' -f4)
curl -s "$PT/_chaos/customers/$CUS/failure" -u "$KEY:" -H "$NS" -d decline_code=insufficient_funds -d times=1 > /dev/null
curl -s -o /dev/null -w "%{http_code}\n" "$PT/v1/payment_intents" -u "$KEY:" -H "$NS" \
  -d amount=2000 -d currency=usd -d customer="$CUS" -d payment_method=pm_card_visa \
  -d "allowed_payment_method_types[]=card" -d confirm=true                                      # 402

# Event chaos (in JSON this time): webhooks to $HOOK are held, then each is delivered twice (same event id).
curl -s "$PT/v1/webhook_endpoints" -u "$KEY:" -H "$NS" -d url="$HOOK" -d "enabled_events[]=customer.updated" > /dev/null
curl -s "$PT/_chaos/config" -u "$KEY:" -H "$NS" -H "$JSON" \
  -d '{"events": {"buffer_window_ms": 60000, "duplicate_rate": 1}}' > /dev/null
curl -s "$PT/v1/customers/$CUS" -u "$KEY:" -H "$NS" -d name=Bea > /dev/null
curl -s -X POST "$PT/_chaos/events/flush" -u "$KEY:" -H "$NS" > /dev/null                       # delivers now
curl -s "$PT/_webhooks/deliveries" -u "$KEY:" -H "$NS" | grep -c '"ok": true'                       # 2

# A bad config is refused with a Stripe-shaped 400 naming the key; nothing changes.
curl -s "$PT/_chaos/config" -u "$KEY:" -H "$JSON" -d '{"api": {"error_rate": 2}}' | grep -o '"param": "api.error_rate"'

# What was injected, and the exact counters.
curl -s "$PT/_chaos/journal?domain=payment" -u "$KEY:" -H "$NS" | grep -o '"decline_code": "insufficient_funds"'
curl -s "$PT/_chaos/stats" -u "$KEY:" -H "$NS" | grep -o '"events_duplicated": 1'

# Everything off again, the namespace's data deleted.
curl -s -X POST "$PT/_chaos/cleanup" -u "$KEY:" -H "$NS" | grep -o '"cleaned": true'
