"""人才津贴补贴: allowance policies as versioned data, claims computed from a policy version and a
period, an approval chain (组织部（人才办）审核 → 县人社局 复核 → 县财政局 核拨 → 已发放), and the ledger
with its export for 县财政局. Money is ``Decimal`` with two places from the form to NUMERIC(12,2)
to the API (strings) to the spreadsheet (numbers formatted 0.00)."""
