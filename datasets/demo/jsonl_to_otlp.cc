int main() { return 0; }  // placeholder: the JSONL to OTLP converter
