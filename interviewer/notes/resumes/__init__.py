"""Reading claims out of resumes: document structure, claim sentences, the quantities they state."""
