"""The standard situations every bundled library covers (DESIGN.md section 4).

Ids are stable: packs, benchmarks and usage statistics refer to them. Packs
may add their own situations next to these.
"""

from __future__ import annotations

from tactful.core.model import Situation


def _s(sid: str, name: str, *keywords: str) -> Situation:
    return Situation(id=sid, name=name, keywords=keywords)


STANDARD_SITUATIONS: tuple[Situation, ...] = (
    _s("order_late", "Order late", "order delayed", "not arrived yet", "where is my order"),
    _s("order_lost", "Order lost", "marked delivered but not received", "parcel lost"),
    _s("missed_occasion", "Missed occasion", "gift arrived late", "ruined the event"),
    _s("order_change", "Change an order", "modify order before it ships", "edit order"),
    _s("item_damaged", "Item damaged", "arrived broken", "damaged in transit"),
    _s("item_wrong", "Wrong or missing item", "wrong item", "missing part"),
    _s("return_exchange", "Return or exchange", "send back", "swap for another size"),
    _s("refund_request", "Refund request", "wants money back", "refund"),
    _s("refund_delayed", "Refund delayed", "refund not received yet"),
    _s("billing_error", "Billing error", "overcharged", "charged twice", "unknown charge"),
    _s("payment_failed", "Payment failed", "card declined", "payment won't go through"),
    _s("invoice_request", "Invoice request", "invoice", "receipt", "statement"),
    _s("cancel_order", "Cancel an order", "cancel order"),
    _s("cancel_subscription", "Cancel a subscription", "stop plan", "renewal", "membership"),
    _s("plan_change", "Change plan", "upgrade", "downgrade"),
    _s("price_complaint", "Price complaint", "too expensive", "price rise"),
    _s("change_details", "Change details", "change address", "update email", "phone number"),
    _s("compliment", "Compliment", "praise", "thanks"),
    _s("opening", "Opening", "greeting", "hello"),
    _s("hold_transfer", "Hold or transfer", "putting on hold", "handing over"),
    _s("account_access", "Account access", "locked out", "password", "2FA"),
    _s("account_closure", "Account closure", "delete account", "erase data"),
    _s("security_concern", "Security concern", "hacked", "fraud", "suspicious activity"),
    _s("technical_issue", "Technical issue", "bug", "crash", "error", "not working"),
    _s("service_outage", "Service outage", "down for many users", "outage"),
    _s("how_to", "How to", "confused how to do something", "how do I"),
    _s("feature_request", "Feature request", "asks for something it doesn't do"),
    _s("out_of_stock", "Out of stock", "sold out", "backorder"),
    _s("delivery_options", "Delivery options", "shipping costs", "countries", "delivery speed"),
    _s("warranty_repair", "Warranty or repair", "warranty claim", "repair"),
    _s("long_wait", "Long wait", "on hold", "slow reply"),
    _s("repeat_contact", "Repeat contact", "had to explain again", "bounced around"),
    _s("angry_customer", "Angry customer", "furious", "venting", "threatening"),
    _s("escalation_request", "Escalation request", "wants a manager", "supervisor"),
    _s("policy_no", "Saying no", "we must say no", "offer an alternative"),
    _s("our_mistake", "Our mistake", "we got it wrong", "our error"),
    _s("hardship", "Hardship", "bereavement", "illness", "money trouble"),
    _s("follow_up", "Follow-up", "checking back", "closing the loop"),
    _s("closing", "Closing", "sign-off", "goodbye"),
)

STANDARD_IDS: frozenset[str] = frozenset(s.id for s in STANDARD_SITUATIONS)
