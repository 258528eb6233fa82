"""Generalized second price on hand-worked cases."""

from decimal import Decimal

from personalization.ads.auction import Bid, rank, run_auction, second_price

RESERVE = Decimal("0.05")


def bid(campaign, amount, quality, product=None):
    return Bid(campaign_id=campaign, product_id=product or campaign * 100, amount=Decimal(amount), quality=quality)


def prices(placements):
    return [(p.bid.campaign_id, p.price) for p in placements]


def test_winner_pays_what_keeps_its_position():
    # A scores 2.00 x 0.05 = 0.100, B 1.50 x 0.04 = 0.060, C 1.00 x 0.03 = 0.030.
    # A pays 0.060 / 0.05 + 0.01 = 1.21; B pays 0.030 / 0.04 + 0.01 = 0.76; C (first loser) prices B only.
    placements = run_auction(
        [bid(1, "2.00", 0.05), bid(2, "1.50", 0.04), bid(3, "1.00", 0.03)], positions=2, reserve=RESERVE
    )
    assert prices(placements) == [(1, Decimal("1.21")), (2, Decimal("0.76"))]


def test_lower_bid_with_better_quality_wins_and_pays_less_than_its_bid():
    # A: 1.00 x 0.10 = 0.10 beats B: 2.00 x 0.02 = 0.04; A pays 0.04 / 0.10 + 0.01 = 0.41.
    placements = run_auction([bid(1, "1.00", 0.10), bid(2, "2.00", 0.02)], positions=1, reserve=RESERVE)
    assert prices(placements) == [(1, Decimal("0.41"))]


def test_price_is_rounded_up_to_the_cent():
    # 1.00 x 0.03 / 0.07 = 0.428571..., + 0.01 = 0.438571... -> 0.44
    placements = run_auction([bid(1, "1.00", 0.07), bid(2, "1.00", 0.03)], positions=1, reserve=RESERVE)
    assert placements[0].price == Decimal("0.44")


def test_single_bidder_pays_the_reserve():
    placements = run_auction([bid(1, "3.00", 0.05)], positions=2, reserve=RESERVE)
    assert prices(placements) == [(1, RESERVE)]
    assert placements[0].reason == "reserve"


def test_last_winner_pays_the_reserve_when_nobody_is_below():
    placements = run_auction([bid(1, "2.00", 0.05), bid(2, "1.00", 0.05)], positions=2, reserve=RESERVE)
    assert prices(placements) == [(1, Decimal("1.01")), (2, RESERVE)]


def test_price_never_below_reserve():
    # 0.10 x 0.01 / 0.05 + 0.01 = 0.03 < 0.05
    placements = run_auction([bid(1, "1.00", 0.05), bid(2, "0.10", 0.01)], positions=1, reserve=RESERVE)
    assert placements[0].price == RESERVE


def test_tie_pays_own_bid_never_more():
    # Equal scores: keeping the position needs the own bid + 0.01, which is capped at the own bid.
    placements = run_auction([bid(1, "1.00", 0.04), bid(2, "1.00", 0.04)], positions=1, reserve=RESERVE)
    assert placements[0].bid.campaign_id == 1, "ties go to the older campaign"
    assert placements[0].price == Decimal("1.00")


def test_tie_on_score_goes_to_the_higher_bid():
    ranked = rank([bid(1, "1.00", 0.04), bid(2, "2.00", 0.02)])
    assert [b.campaign_id for b in ranked] == [2, 1]


def test_price_never_above_own_bid():
    # B's score is just below A's: 0.0999 / 0.05 + 0.01 = 2.008 -> capped at A's bid 2.00.
    placements = run_auction([bid(1, "2.00", 0.05), bid(2, "3.33", 0.03)], positions=1, reserve=RESERVE)
    assert placements[0].price <= placements[0].bid.amount
    assert placements[0].price == Decimal("2.00")


def test_bids_under_the_reserve_take_no_part():
    placements = run_auction([bid(1, "0.04", 0.9)], positions=1, reserve=RESERVE)
    assert placements == ()


def test_one_product_per_campaign():
    bids = [bid(1, "2.00", 0.05, product=11), bid(1, "2.00", 0.04, product=12), bid(2, "1.00", 0.05, product=21)]
    placements = run_auction(bids, positions=2, reserve=RESERVE)
    assert [p.bid.product_id for p in placements] == [11, 21]
    assert placements[0].price == Decimal("1.01"), "priced by the next campaign, not by its own second product"


def test_no_positions_no_placements():
    assert run_auction([bid(1, "2.00", 0.05)], positions=0, reserve=RESERVE) == ()


def test_second_price_without_next_bidder_never_exceeds_own_bid():
    own = bid(1, "0.05", 0.05)
    assert second_price(own=own, next_bid=None, reserve=Decimal("0.10")) == (Decimal("0.05"), "reserve")
