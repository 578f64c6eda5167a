"""Task-list progress (督查督办) for the 工作专班: plans → actions → items → indicators, monthly
progress reports, lights with their history, 督办单 and the 调度 report."""
