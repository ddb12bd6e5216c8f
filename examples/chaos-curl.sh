# PT is the server's base URL, e.g. http://127.0.0.1:12111
KEY=sk_test_123

# Every customer creation answers 429 in namespace "checkout".
curl -s "$PT/_chaos/config" -u "$KEY:" -H "X-Paper-Tiger-Namespace: checkout" \
  -H "Content-Type: application/json" \
  -d '{"api": {"endpoint_overrides": {"POST /v1/customers": "rate_limit"}}}' > /dev/null
curl -s -o /dev/null -w "%{http_code}\n" "$PT/v1/customers" -u "$KEY:" -H "X-Paper-Tiger-Namespace: checkout" -d email=a@example.com   # 429

# Force the next payment of one customer to fail.
curl -s "$PT/_chaos/customers/cus_123/failure" -u "$KEY:" -H "Content-Type: application/json" \
  -d '{"decline_code": "insufficient_funds", "times": 1}' > /dev/null

# A bad config is refused with a Stripe-shaped 400 naming the key.
curl -s "$PT/_chaos/config" -u "$KEY:" -H "Content-Type: application/json" -d '{"api": {"error_rate": 2}}' | grep -o '"param": "api.error_rate"'

# What was injected, and the counters.
curl -s "$PT/_chaos/journal?limit=1" -u "$KEY:" -H "X-Paper-Tiger-Namespace: checkout" | grep -o '"kind": "rate_limit"'
curl -s "$PT/_chaos/stats" -u "$KEY:" -H "X-Paper-Tiger-Namespace: checkout" | grep -o '"api_rate_limits": 1'

# Everything off again, data deleted.
curl -s -X POST "$PT/_chaos/cleanup" -u "$KEY:" -H "X-Paper-Tiger-Namespace: checkout" | grep -o '"cleaned": true'
