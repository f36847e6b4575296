import sys

from ember.train.cli import main

sys.exit(main())
