from wunneng.cli import main

raise SystemExit(main())
