"""The contract flows through the Python SDK, against the server at PT_URL, in the API version PT_VERSION.

Prints one JSON object: what each flow saw, and the secret of the webhook
endpoint it created (the caller delivers the event, then verify.py checks it).
"""
import json
import os

import stripe

stripe.api_key = "sk_test_python_contracts"
stripe.api_base = os.environ["PT_URL"]
stripe.api_version = os.environ["PT_VERSION"]
stripe.max_network_retries = 0

out = {}
customer = stripe.Customer.create(email="python@example.com")
pm = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
out["attached"] = pm.customer == customer.id
stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": pm.id})

# Sent as confirm=True: Stripe parses booleans in any case.
pi = stripe.PaymentIntent.create(amount=1500, currency="usd", customer=customer.id, payment_method=pm.id, confirm=True)
out["pi_status"] = pi.status
out["pi_charges"] = [c.id for c in pi.charges.data]
out["pi_has_latest_charge"] = "latest_charge" in pi

try:
    stripe.PaymentIntent.create(amount=1000, currency="usd", payment_method="pm_card_chargeDeclined", confirm=True)
    out["decline"] = None
except stripe.error.CardError as e:
    out["decline"] = [e.http_status, e.code, e.error.decline_code]

refund = stripe.Refund.create(payment_intent=pi.id, amount=500)
charge = stripe.Charge.retrieve(pi.charges.data[0].id)
out["refund_status"] = refund.status
out["charge_refunds"] = [r.id for r in charge.refunds.data] == [refund.id]

price = stripe.Price.create(currency="usd", unit_amount=2000, recurring={"interval": "month"}, product_data={"name": "Python plan"})
sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], expand=["latest_invoice.payment_intent"])
out["sub_status"] = sub.status
out["sub_period_end_is_int"] = isinstance(sub.current_period_end, int)
out["invoice_paid"] = sub.latest_invoice.paid
out["invoice_payment_intent_status"] = sub.latest_invoice.payment_intent.status

for i in range(4):
    stripe.Customer.create(email="page%d@example.com" % i)
out["paged"] = len(list(stripe.Customer.list(limit=2).auto_paging_iter()))

endpoint = stripe.WebhookEndpoint.create(url=os.environ["PT_HOOK"], enabled_events=["customer.created"], api_version=stripe.api_version)
out["hooked_customer"] = stripe.Customer.create(email="hooked@example.com").id
out["secret"] = endpoint.secret
print(json.dumps(out))
