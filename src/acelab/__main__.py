from acelab.cli import main

main()
