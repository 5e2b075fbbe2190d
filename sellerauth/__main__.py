"""`python -m sellerauth`: the same as the `sellerauth` console script."""

from sellerauth.app import main

main()
