"""Models of this package are added by the issues that need them."""
