"""The approval definition, its instances and tasks, and approval v4's API over them."""
