"""Models of the learning_summaries app."""
