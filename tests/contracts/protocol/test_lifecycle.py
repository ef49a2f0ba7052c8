"""A whole deposit lifecycle: every party's balance after every step, and the trainer holding
exactly the sum of the claimable deposits throughout (checked by the helpers after each step)."""

from __future__ import annotations

from support.protocol import ANY_WAIT, NEG, OWNER_WAIT, POS, REFUND_WAIT, do_refund, do_report


def test_lifecycle(stack_drt, owner, alice, bob, carol, dave, chain):
    parties = [owner, alice, bob, carol, dave]

    def balances():
        return {p.address: p.balance for p in parties}

    def step(action):
        """Run `action`; every party but the actor keeps its balance."""
        before = balances()
        actor, delta_ok = action()
        after = balances()
        for p in parties:
            if p.address != actor.address:
                assert after[p.address] == before[p.address], p
        assert delta_ok

    # Bob and carol each contribute good data and get it validated.
    goods = []
    for who in (bob, carol):
        step(lambda who=who: (who, goods.append(stack_drt.add(who, NEG, 0)) is None))
    for c, who in zip(goods, (bob, carol), strict=True):
        step(lambda c=c, who=who: (who, do_refund(stack_drt, c, who, c.added_time + REFUND_WAIT)))
    # Alice contributes three bad samples and one good one.
    bads = []
    for _ in range(3):
        chain.mine(deltatime=60)
        step(lambda: (alice, bads.append(stack_drt.add(alice, POS, 0)) is None))
    chain.mine(deltatime=60)
    good = []
    step(lambda: (alice, good.append(stack_drt.add(alice, NEG, 0)) is None))
    b0, b1, b2 = bads
    t = b2.added_time + REFUND_WAIT
    # Bob and carol each take half of the first bad deposit.
    step(lambda: (bob, do_report(stack_drt, b0, bob, t) == b0.initial_deposit // 2))
    step(lambda: (carol, do_report(stack_drt, b0, carol, t + 1) == b0.initial_deposit // 2))
    # Alice gets her good deposit back.
    step(lambda: (alice, do_refund(stack_drt, good[0], alice, good[0].added_time + REFUND_WAIT)))
    # The owner takes what is left on the second bad one (after a share for bob).
    t2 = good[0].added_time + REFUND_WAIT + 1
    step(lambda: (bob, do_report(stack_drt, b1, bob, t2) > 0))
    step(lambda: (owner, do_report(stack_drt, b1, owner, b1.added_time + OWNER_WAIT) > 0))
    # Dave, with no data at all, takes the third one after the any-address deadline.
    step(lambda: (dave, do_report(stack_drt, b2, dave, b2.added_time + ANY_WAIT) > 0))
    assert stack_drt.trainer.balance == sum(c.claimable for c in stack_drt.contributions)
    assert stack_drt.trainer.balance == b0.claimable  # rounding dust of the two halves
    assert stack_drt.im.totalGoodDataCount() == 3
    assert stack_drt.im.totalSubmitted() == 6
