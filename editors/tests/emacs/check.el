;;; check.el --- headless Emacs check of editors/emacs/dstack-lsp.el  -*- lexical-binding: t; -*-
;;
;;   emacs --batch -l check.el   (site files on: Debian activates its elpa-* packages there)
;;
;; Environment: DSTACK_LSP (server binary), EDITORS_DIR (the repo's editors/),
;; EXPECT (expectations JSON), OUT (result JSON), STATE (scratch dir),
;; TIMEOUT_S, DSTACK_EMACS_CLIENT (`eglot', the default, or `lsp-mode').
;; Exits 0 when every check passed, 1 otherwise.

(require 'json)
(require 'package)

(defvar check-results nil "Alist of (NAME . PASSED).")
(defvar check-report nil "Extra facts for the result JSON.")

(defun check (name passed)
  (push (cons name (and passed t)) check-results))

(defun check-env (name &optional default)
  (let ((v (getenv name))) (if (or (null v) (string= v "")) default v)))

(defconst check-timeout (string-to-number (check-env "TIMEOUT_S" "20")))
(defconst check-client (intern (check-env "DSTACK_EMACS_CLIENT" "eglot")))

;; What differs between the two clients; the checks are the same.
(defun check-client-setup (work)
  (if (eq check-client 'eglot)
      (progn (require 'eglot)
             (add-hook 'dstack-yaml-mode-hook #'eglot-ensure))
    (require 'lsp-mode)
    ;; Batch-friendly lsp-mode: no root prompt, no watchers, its files in WORK.
    (setq lsp-auto-guess-root t
          lsp-enable-file-watchers nil
          lsp-session-file (expand-file-name "lsp-session" work)
          lsp-server-install-dir (expand-file-name "lsp-servers" work)
          lsp-diagnostics-provider :flymake
          lsp-restart 'ignore)
    ;; What lsp-deferred ends in once the buffer is shown; batch Emacs shows none.
    (add-hook 'dstack-yaml-mode-hook #'lsp)))

(defun check-client-server ()
  "The live connection of the current buffer, or nil."
  (if (eq check-client 'eglot)
      (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))
    (and (bound-and-true-p lsp-mode)
         (cl-find-if (lambda (w) (eq (lsp--workspace-status w) 'initialized)) (lsp-workspaces)))))

(defun check-client-completions ()
  (let ((capf (if (eq check-client 'eglot) (eglot-completion-at-point) (lsp-completion-at-point))))
    (and capf (all-completions "" (nth 2 capf)))))

(defun check-client-hover (srv)
  (if (eq check-client 'eglot)
      (plist-get (jsonrpc-request srv :textDocument/hover (eglot--TextDocumentPositionParams)) :contents)
    (let ((answer (lsp-request "textDocument/hover" (lsp--text-document-position-params))))
      (and answer (lsp:hover-contents answer)))))

(defun check-client-shutdown (srv)
  (ignore-errors
    (if (eq check-client 'eglot) (eglot-shutdown srv) (lsp-workspace-shutdown srv))))

(defun check-wait (pred)
  "Poll PRED while serving the server's output, up to `check-timeout' seconds."
  (let ((deadline (+ (float-time) check-timeout)) (v nil))
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    v))

(defun check-goto (line col)
  "Go to 1-based LINE and COL."
  (goto-char (point-min))
  (forward-line (1- line))
  (forward-char (min (1- col) (- (line-end-position) (point)))))

(defun check-run ()
  (let* ((editors (check-env "EDITORS_DIR"))
         (server (check-env "DSTACK_LSP" "dstack-lsp"))
         (expect-path (check-env "EXPECT"))
         (expect (json-read-file expect-path))
         (work (make-temp-file "dstack-emacs-" t))
         (fixture (expand-file-name (alist-get 'file expect) (file-name-directory expect-path)))
         (file (expand-file-name (file-name-nondirectory fixture) work)))
    (copy-file fixture file)
    ;; What a user's init does: Debian's elpa packages, then the file from this repo.
    (setq package-user-dir (expand-file-name "elpa" (check-env "STATE" work)))
    (package-initialize)
    (add-to-list 'load-path (expand-file-name "emacs" editors))
    (require 'dstack-lsp)
    (setq dstack-lsp-command (list server "serve"))
    (check-client-setup work)
    (push (cons 'emacs emacs-version) check-report)

    (find-file file)
    (check "major mode is dstack-yaml-mode" (eq major-mode 'dstack-yaml-mode))
    (push (cons 'parent (symbol-name (symbol-function 'dstack-lsp-yaml-parent-mode))) check-report)
    (check "derived from a YAML mode" (derived-mode-p 'yaml-mode 'yaml-ts-mode))
    (with-temp-buffer
      (setq buffer-file-name (expand-file-name "other.yml" work))
      (set-auto-mode)
      (check "other YAML is not dstack" (not (eq major-mode 'dstack-yaml-mode)))
      (setq buffer-file-name nil))
    (dolist (name '("a.dstack.yml" "a.dstack.yaml" ".dstack.yml" ".dstack.yaml"))
      (check (concat name " opens in dstack-yaml-mode")
             (eq (assoc-default (concat "/p/" name) auto-mode-alist #'string-match) 'dstack-yaml-mode)))

    ;; eglot-ensure connects after the next command; in batch there is no
    ;; command loop, so run what it would run.
    (run-hooks 'post-command-hook)
    (let ((srv (check-wait #'check-client-server)))
      (check "server attached" srv)
      (when srv
        (let* ((want (alist-get 'diagnostic expect))
               (line (alist-get 'line want))
               (diags (check-wait
                       (lambda ()
                         (let ((ds (flymake-diagnostics)))
                           (unless ds (flymake-start))
                           ds)))))
          (push (cons 'diagnostics
                      (mapcar (lambda (d) `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
                                            (message . ,(flymake-diagnostic-text d))))
                              diags))
                check-report)
          (check (format "diagnostic on line %d" line)
                 (cl-some (lambda (d) (= line (line-number-at-pos (flymake-diagnostic-beg d)))) diags)))

        (let* ((want (alist-get 'completion expect))
               (labels (append (alist-get 'labels want) nil)))
          (check-goto (alist-get 'line want) (alist-get 'col want))
          (let ((got (check-client-completions)))
            (push (cons 'completion (vconcat (mapcar #'substring-no-properties got))) check-report)
            (check (concat "completion offers " (string-join labels ", "))
                   (cl-every (lambda (l) (member l got)) labels))))

        (let ((want (alist-get 'hover expect)))
          (check-goto (alist-get 'line want) (alist-get 'col want))
          (let ((text (format "%S" (check-client-hover srv))))
            (push (cons 'hover text) check-report)
            (check (format "hover mentions %S" (alist-get 'contains want))
                   (string-match-p (regexp-quote (downcase (alist-get 'contains want))) (downcase text)))))
        (check-client-shutdown srv)))))

(let ((err nil))
  (condition-case e (check-run)
    (error (setq err (error-message-string e))
           (check (concat "no error: " err) nil)))
  (let ((out (check-env "OUT")))
    (when out
      (with-temp-file out
        (insert (json-encode `((checks . ,(mapcar (lambda (c) (cons (car c) (if (cdr c) t :json-false)))
                                                  (reverse check-results)))
                               ,@check-report))))))
  (princ (format "emacs %s (%s)\n" emacs-version check-client))
  (dolist (c (reverse check-results))
    (princ (format "  %s %s\n" (if (cdr c) "ok  " "FAIL") (car c))))
  (kill-emacs (if (and check-results (cl-every #'cdr check-results)) 0 1)))
