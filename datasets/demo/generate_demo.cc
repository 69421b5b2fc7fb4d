int main() { return 0; }  // placeholder: the demo generator
