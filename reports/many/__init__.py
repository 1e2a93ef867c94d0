"""Many runs, one view: the run index, leaderboard, side-by-side comparison, trend and shard merge.

Everything here reads run folders (summary.json and results.jsonl, as reports/plugin.py writes them) and
writes static, self-contained HTML pages or terminal lines; nothing needs a server or a database.
"""
