"""Search shared by the context market, STF similarity and fix suggestions: embedders, sparse
lexical vectors, the vector store, hybrid ranking and the collections that hold the vectors."""
