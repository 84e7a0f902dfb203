"""`python -m syndic.chaos`: the crash/rebalance harness (see `syndic.chaos.harness`)."""

from syndic.chaos.harness import main

raise SystemExit(main())
