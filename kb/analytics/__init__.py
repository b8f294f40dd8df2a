"""Network analytics over projections of the store into NetworkX graphs."""
