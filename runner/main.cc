// arbiter: see cli.h for the commands.
#include "runner/cli/cli.h"

int main(int argc, char** argv) { return arbiter::RunCli(argc, argv); }
