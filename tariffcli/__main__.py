from tariffcli.cli import main

main()
