"""泷泊英才VIP卡 applied for online: the talent (or their employer, or 组织部 for them) applies for the
highest tier they qualify for (就高), the employer confirms employment, 组织部 approves — the card
is then issued through the cards feature's own issue operation — returns or rejects."""
