"""待遇兑现: a partner window (hospital, school, 住建局) scans a card and records the benefit it gave."""
