// Long-running submits say so: the pressed button shows its data-busy text and the form is marked busy.
document.addEventListener('submit', function (e) {
  var b = e.submitter;
  if (b && b.dataset && b.dataset.busy) {
    var form = e.target;
    setTimeout(function () { b.value = b.dataset.busy; b.disabled = true; form.setAttribute('aria-busy', 'true'); }, 0);
  }
});
