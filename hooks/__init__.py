"""The curriculum toolchain: lesson model, citations, pages, packets and checks."""
