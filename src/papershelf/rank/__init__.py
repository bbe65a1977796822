"""Ranking: papers by a reader's taste ("for you"), by likeness to one paper, by relevance to a
query. Pure: numpy here, scipy and scikit-learn imported only when a model is trained."""
