function evaluate(t)
  local n = 0
  for i, c in ipairs(t.tool_calls or {}) do n = n + #c.name end
  return {score = n > 3 and 1 or 0, reason = string.format("%d", n)}
end
