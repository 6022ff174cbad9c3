from standoff.cli import main

main()
