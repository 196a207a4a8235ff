from dipsim.cli import main

raise SystemExit(main())
