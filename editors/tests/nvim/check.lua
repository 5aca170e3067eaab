-- Headless Neovim check of the shipped editors/neovim config against dstack-lsp.
--
--   nvim --headless --clean -c "luafile check.lua"
--
-- Environment: DSTACK_LSP (server binary), EDITORS_DIR (the repo's editors/),
-- EXPECT (expectations JSON), OUT (result JSON), DSTACK_NVIM_MODE (`config` =
-- vim.lsp.config/enable, 0.11+; `legacy` = require('dstack_lsp').setup();
-- `upstream` = only lsp/dstack.lua, as nvim-lspconfig would ship it: no ftdetect,
-- no plugin, the file stays `yaml`, and another YAML file gets no client),
-- TIMEOUT_MS. Exits 0 when every check passed, 1 otherwise.

local env = function(name, default)
  local v = os.getenv(name)
  if v == nil or v == '' then
    return default
  end
  return v
end

local server = env('DSTACK_LSP', 'dstack-lsp')
local editors = env('EDITORS_DIR', nil)
local expect_path = env('EXPECT', nil)
local out_path = env('OUT', nil)
local timeout = tonumber(env('TIMEOUT_MS', '20000'))
local has_011 = vim.fn.has('nvim-0.11') == 1
local mode = env('DSTACK_NVIM_MODE', has_011 and 'config' or 'legacy')

local result = { editor = nil, mode = mode, checks = {}, errors = {} }
local version = vim.version()
result.editor = string.format('neovim %d.%d.%d', version.major, version.minor, version.patch)

local function finish()
  local ok = #result.errors == 0
  for _, passed in pairs(result.checks) do
    ok = ok and passed
  end
  result.ok = ok
  if out_path then
    vim.fn.writefile({ vim.fn.json_encode(result) }, out_path)
  end
  local names = {}
  for name, passed in pairs(result.checks) do
    table.insert(names, (passed and 'ok   ' or 'FAIL ') .. name)
  end
  table.sort(names)
  io.stdout:write(result.editor .. ' (' .. mode .. ')\n  ' .. table.concat(names, '\n  ') .. '\n')
  for _, e in ipairs(result.errors) do
    io.stdout:write('  error: ' .. e .. '\n')
  end
  vim.cmd(ok and 'qall!' or 'cquit 1')
end

local function check(name, passed)
  result.checks[name] = passed and true or false
end

local function hover_text(contents)
  if type(contents) == 'string' then
    return contents
  end
  if type(contents) ~= 'table' then
    return ''
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, type(c) == 'string' and c or (c.value or ''))
  end
  return table.concat(parts, '\n')
end

local function request(bufnr, method, line, col)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line - 1, character = col - 1 },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if not responses then
    table.insert(result.errors, method .. ': ' .. tostring(err))
    return nil
  end
  for _, r in pairs(responses) do
    if r.err then
      table.insert(result.errors, method .. ': ' .. vim.inspect(r.err))
    elseif r.result ~= nil then
      return r.result
    end
  end
  return nil
end

local run_dstack_buffer

local function run()
  if not editors or not expect_path then
    table.insert(result.errors, 'EDITORS_DIR and EXPECT must be set')
    return
  end
  local expect = vim.fn.json_decode(table.concat(vim.fn.readfile(expect_path), '\n'))
  local file = vim.fn.fnamemodify(expect_path, ':h') .. '/' .. expect.file

  if mode == 'upstream' then
    -- Just the config file, in a runtimepath folder of its own.
    local dir = vim.fn.tempname()
    vim.fn.mkdir(dir .. '/lsp', 'p')
    vim.fn.writefile(vim.fn.readfile(editors .. '/neovim/lsp/dstack.lua'), dir .. '/lsp/dstack.lua')
    vim.opt.runtimepath:prepend(dir)
    vim.lsp.config('dstack', { cmd = { server, 'serve' } })
    vim.lsp.enable('dstack')
    local other = vim.fn.tempname() .. '.yml'
    vim.fn.writefile({ 'type: task' }, other)
    vim.cmd('edit ' .. vim.fn.fnameescape(other))
    local obuf = vim.api.nvim_get_current_buf()
    check('other YAML is yaml', vim.bo[obuf].filetype == 'yaml')
    check('no client on other YAML', #vim.lsp.get_clients({ bufnr = obuf, name = 'dstack' }) == 0)
    return run_dstack_buffer(file, 'yaml', expect)
  end
  -- Install the client the way a user would: the repo's editors/neovim on the runtimepath.
  vim.opt.runtimepath:prepend(editors .. '/neovim')
  -- What Neovim sources at startup for a plugin on the runtimepath.
  vim.cmd('runtime! ftdetect/dstack.lua')
  vim.cmd('runtime! plugin/dstack_lsp.lua')
  if mode == 'config' then
    vim.lsp.config('dstack', { cmd = { server, 'serve' } })
    vim.lsp.enable('dstack')
  else
    require('dstack_lsp').setup({ cmd = { server, 'serve' } })
  end

  return run_dstack_buffer(file, 'yaml.dstack', expect)
end

-- Opens the fixture and checks what every install path must give.
run_dstack_buffer = function(file, filetype, expect)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  result.syntax = vim.b[bufnr].current_syntax
  check('filetype is ' .. filetype, result.filetype == filetype)
  check('YAML syntax highlighting', result.syntax == 'yaml')

  local function clients()
    if vim.lsp.get_clients then
      return vim.lsp.get_clients({ bufnr = bufnr, name = 'dstack' })
    end
    local list = {}
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if c.name == 'dstack' then
        table.insert(list, c)
      end
    end
    return list
  end
  check('server attached', vim.wait(timeout, function()
    return #clients() > 0
  end, 50))

  -- Diagnostics: wait for a non-empty set (an empty one may come first).
  local got = vim.wait(timeout, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  result.diagnostics = {}
  local on_line = false
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { line = d.lnum + 1, col = d.col + 1, severity = d.severity, message = d.message })
    on_line = on_line or (d.lnum + 1 == expect.diagnostic.line)
  end
  check('diagnostic on line ' .. expect.diagnostic.line, got and on_line)

  local completion = request(bufnr, 'textDocument/completion', expect.completion.line, expect.completion.col)
  local items = completion and (completion.items or completion) or {}
  result.completion_labels = {}
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(result.completion_labels, item.label)
    labels[item.label] = true
  end
  local all = #items > 0
  for _, want in ipairs(expect.completion.labels) do
    all = all and labels[want] == true
  end
  check('completion offers ' .. table.concat(expect.completion.labels, ', '), all)

  local hover = request(bufnr, 'textDocument/hover', expect.hover.line, expect.hover.col)
  result.hover = hover and hover_text(hover.contents) or ''
  check('hover mentions "' .. expect.hover.contains .. '"', result.hover:lower():find(expect.hover.contains:lower(), 1, true) ~= nil)

  if mode ~= 'upstream' then
    check(':DstackOffers defined', vim.api.nvim_buf_get_commands(bufnr, {}).DstackOffers ~= nil)
  end
end

local ok, err = pcall(run)
if not ok then
  table.insert(result.errors, tostring(err))
end
finish()
