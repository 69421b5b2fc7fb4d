# Sourced by the benchmark scripts: what they all need.

# The median of the numbers on standard input, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# demo_traces GEN FILE COUNT: FILE holds COUNT demo traces (seed 7), generated with the
# arbiter-gen-demo binary GEN the first time and reused after.
demo_traces() {
  if [[ ! -s $2 ]]; then
    echo "generating $2" >&2
    "$1" --count "$3" --seed 7 --out "$2"
  fi
}
