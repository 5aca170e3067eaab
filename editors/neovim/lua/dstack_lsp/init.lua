-- Helpers for dstack-lsp in Neovim:
--   * setup(): start the server on Neovim 0.7–0.10, which have no vim.lsp.config;
--   * buffer_commands(): the :DstackOffers command (all versions).
local M = {}

local function base_config()
  -- Reuse the 0.11 config file so both paths start the server the same way.
  local file = vim.api.nvim_get_runtime_file('lsp/dstack.lua', false)[1]
  return file and dofile(file) or {}
end

local function root_dir(bufnr, markers)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  -- The first marker found upwards wins, as with root_markers in 0.11.
  for _, marker in ipairs(markers) do
    local hit = vim.fn.findfile(marker, dir .. ';')
    if hit == '' then
      hit = vim.fn.finddir(marker, dir .. ';')
    end
    if hit ~= '' then
      local full = vim.fn.fnamemodify(hit, ':p'):gsub('/$', '')
      return vim.fn.fnamemodify(full, ':h')
    end
  end
  return dir
end

--- Start dstack-lsp for every `yaml.dstack` buffer (Neovim 0.7–0.10).
--- `opts` overrides fields of lsp/dstack.lua (`cmd`, `settings`, `on_attach`, ...).
function M.setup(opts)
  opts = opts or {}
  local base = base_config()
  -- Fields are replaced as a whole (a shorter `cmd` must not keep the default's
  -- arguments); only `settings` are merged key by key.
  local config = vim.tbl_extend('force', base, opts)
  config.settings = vim.tbl_deep_extend('force', base.settings or {}, opts.settings or {})
  -- The base config lists plain `yaml` too and filters by name in its root_dir
  -- function; here the ftdetect filetype does the filtering.
  local filetypes = opts.filetypes or { 'yaml.dstack' }
  local markers = config.root_markers or { '.git' }
  local user_attach = config.on_attach
  config.on_attach = function(client, bufnr)
    M.buffer_commands(client, bufnr)
    if user_attach then
      user_attach(client, bufnr)
    end
  end
  local clients = {} -- root dir -> client id (0.7 has no vim.lsp.start to reuse clients)
  local group = vim.api.nvim_create_augroup('dstack_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = filetypes,
    callback = function(args)
      local root = root_dir(args.buf, markers)
      local start = vim.tbl_extend('force', config, {
        name = 'dstack',
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      })
      start.filetypes, start.root_markers = nil, nil
      if vim.lsp.start then
        vim.lsp.start(start, { bufnr = args.buf })
      else
        local id = clients[root]
        if not id or not vim.lsp.get_client_by_id(id) then
          id = vim.lsp.start_client(start)
          clients[root] = id
        end
        if id then
          vim.lsp.buf_attach_client(args.buf, id)
        end
      end
    end,
  })
end

--- Lines of a plain-text table for the answer of `dstack.offers`.
function M.offers_lines(result)
  local rows = result
  if type(result) == 'table' and result.offers then
    rows = result.offers
  end
  if type(rows) ~= 'table' or #rows == 0 then
    return { 'No offers match this configuration.' }
  end
  local cols, seen = {}, {}
  for _, row in ipairs(rows) do
    for key in pairs(row) do
      if not seen[key] then
        seen[key] = true
        table.insert(cols, key)
      end
    end
  end
  table.sort(cols)
  local function cell(v)
    if type(v) == 'table' then
      local parts = {}
      for k, x in pairs(v) do
        table.insert(parts, type(k) == 'number' and tostring(x) or (k .. ': ' .. tostring(x)))
      end
      table.sort(parts)
      return table.concat(parts, ', ')
    end
    return v == vim.NIL and '' or tostring(v)
  end
  local grid, widths = { cols }, {}
  for _, row in ipairs(rows) do
    local cells = {}
    for _, c in ipairs(cols) do
      table.insert(cells, cell(row[c]))
    end
    table.insert(grid, cells)
  end
  for _, cells in ipairs(grid) do
    for i, text in ipairs(cells) do
      widths[i] = math.max(widths[i] or 0, #text)
    end
  end
  local lines = {}
  for _, cells in ipairs(grid) do
    local padded = {}
    for i, text in ipairs(cells) do
      padded[i] = text .. string.rep(' ', widths[i] - #text)
    end
    table.insert(lines, (table.concat(padded, '  '):gsub('%s+$', '')))
  end
  return lines
end

--- Adds :DstackOffers to a buffer the server is attached to.
function M.buffer_commands(client, bufnr)
  vim.api.nvim_buf_create_user_command(bufnr, 'DstackOffers', function()
    local params = { command = 'dstack.offers', arguments = { vim.uri_from_bufnr(bufnr) } }
    local function show(err, result)
      if err then
        vim.notify('dstack: could not get offers: ' .. tostring(err.message or err), vim.log.levels.ERROR)
        return
      end
      vim.cmd('botright new')
      local buf = vim.api.nvim_get_current_buf()
      vim.api.nvim_buf_set_lines(buf, 0, -1, false, M.offers_lines(result))
      vim.bo[buf].buftype, vim.bo[buf].bufhidden, vim.bo[buf].modifiable = 'nofile', 'wipe', false
      vim.api.nvim_buf_set_name(buf, 'dstack offers')
    end
    if vim.fn.has('nvim-0.11') == 1 then
      client:request('workspace/executeCommand', params, show, bufnr)
    else
      client.request('workspace/executeCommand', params, show, bufnr)
    end
  end, { desc = 'Show the offers that match this dstack configuration' })
end

return M
